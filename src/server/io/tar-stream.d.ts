// The part of tar-stream 2.x (no published types) that io/backup-archive.ts uses.
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface Headers {
    name: string;
    size?: number;
    mode?: number;
    mtime?: Date;
    type?: 'file' | 'directory' | 'symlink' | 'link' | string;
  }

  export interface Pack extends Readable {
    entry(header: Headers, buffer: Buffer, callback: (error?: Error | null) => void): unknown;
    finalize(): void;
    destroy(error?: Error): this;
  }

  export interface Extract extends Writable {
    on(
      event: 'entry',
      listener: (
        header: Required<Pick<Headers, 'name' | 'size' | 'type'>>,
        stream: Readable,
        next: () => void,
      ) => void,
    ): this;
    on(event: string, listener: (...args: never[]) => void): this;
    destroy(error?: Error): this;
  }

  export function pack(): Pack;
  export function extract(options?: {
    filenameEncoding?: string;
    allowUnknownFormat?: boolean;
  }): Extract;
}
