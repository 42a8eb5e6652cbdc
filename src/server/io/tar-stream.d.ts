// The part of tar-stream 2.x (no @types package is installed) that io/tar.ts uses.
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  export interface Headers {
    name: string;
    size?: number;
    mode?: number;
    mtime?: Date;
    type?: 'file' | 'directory' | 'symlink' | 'link' | 'pax-header' | string;
    /** Extra pax records; tar-stream writes a pax `path` record itself for a long or non-ASCII name. */
    pax?: Record<string, string>;
  }

  export interface Pack extends Readable {
    entry(header: Headers, buffer: Buffer, callback?: (error?: Error | null) => void): Writable;
    finalize(): void;
  }

  export interface Extract extends Writable {}

  export function pack(options?: object): Pack;
  export function extract(options?: { allowUnknownFormat?: boolean }): Extract;
}
