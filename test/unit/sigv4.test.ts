import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import {
  amzDateOf,
  EMPTY_SHA256,
  sha256Hex,
  signV4,
  uriEncode,
} from '../../src/server/modules/evidence/sigv4';

// AWS's Signature Version 4 test suite, "get-vanilla" and "get-vanilla-query-order-key-case".
const example = {
  region: 'us-east-1',
  service: 'service',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  amzDate: '20150830T123600Z',
  headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
  payloadHash: EMPTY_SHA256,
};

describe('AWS Signature Version 4', () => {
  it("signs AWS's published get-vanilla example to its published signature", () => {
    const signed = signV4({ ...example, method: 'GET', path: '/' });
    expect(signed.canonicalRequest).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(signed.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
    expect(signed.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('sorts the query by name before signing (get-vanilla-query-order-key-case)', () => {
    const signed = signV4({
      ...example,
      method: 'GET',
      path: '/',
      query: [
        ['Param2', 'value2'],
        ['Param1', 'value1'],
      ],
    });
    expect(signed.signature).toBe(
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
  });

  it('a different secret gives a different signature', () => {
    expect(
      signV4({ ...example, secretAccessKey: 'wrong', method: 'GET', path: '/' }).signature,
    ).not.toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('encodes as RFC 3986 wants, keeping slashes of keys', () => {
    expect(uriEncode("a b/c*(d)!'~._-")).toBe('a%20b%2Fc%2A%28d%29%21%27~._-');
    expect(uriEncode('luoshi/证据 1.pdf', true)).toBe('luoshi/%E8%AF%81%E6%8D%AE%201.pdf');
    expect(amzDateOf(new Date('2015-08-30T12:36:00.123Z'))).toBe('20150830T123600Z');
    expect(sha256Hex('')).toBe(EMPTY_SHA256);
  });
});

describe('the evidence store configuration', () => {
  const s3 = { LUOSHI_EVIDENCE_STORE: 's3' };
  it('is local disk unless told otherwise', () => {
    expect(loadConfig({}).evidenceStore).toEqual({ kind: 'local' });
  });

  it('names every missing S3 variable', () => {
    expect(() => loadConfig(s3)).toThrow(
      'LUOSHI_EVIDENCE_STORE=s3 needs LUOSHI_S3_BUCKET, LUOSHI_S3_ACCESS_KEY_ID, LUOSHI_S3_SECRET_ACCESS_KEY, LUOSHI_S3_ENDPOINT or LUOSHI_S3_REGION',
    );
    expect(() =>
      loadConfig({
        ...s3,
        LUOSHI_S3_BUCKET: 'luoshi',
        LUOSHI_S3_REGION: 'oss-cn-hangzhou',
        LUOSHI_S3_ACCESS_KEY_ID: 'id',
      }),
    ).toThrow(/needs LUOSHI_S3_SECRET_ACCESS_KEY$/);
    expect(() => loadConfig({ ...s3, LUOSHI_S3_BUCKET: 'Bad_Bucket' })).toThrow(
      /LUOSHI_S3_BUCKET: must be a bucket name/,
    );
    expect(() =>
      loadConfig({
        ...s3,
        LUOSHI_S3_ENDPOINT: 'https://cos.ap-guangzhou.myqcloud.com/luoshi',
        LUOSHI_S3_BUCKET: 'luoshi',
        LUOSHI_S3_ACCESS_KEY_ID: 'id',
        LUOSHI_S3_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toThrow(/LUOSHI_S3_ENDPOINT must be a plain address/);
  });

  it("reads a complete S3 configuration; AWS's endpoint follows the region", () => {
    const complete = {
      ...s3,
      LUOSHI_S3_BUCKET: 'luoshi-1250000000',
      LUOSHI_S3_ACCESS_KEY_ID: 'id',
      LUOSHI_S3_SECRET_ACCESS_KEY: 'secret',
    };
    expect(
      loadConfig({
        ...complete,
        LUOSHI_S3_ENDPOINT: 'https://cos.ap-guangzhou.myqcloud.com',
        LUOSHI_S3_REGION: 'ap-guangzhou',
        LUOSHI_S3_PREFIX: '/luoshi/',
      }).evidenceStore,
    ).toEqual({
      kind: 's3',
      endpoint: 'https://cos.ap-guangzhou.myqcloud.com',
      region: 'ap-guangzhou',
      bucket: 'luoshi-1250000000',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: false,
      prefix: 'luoshi/',
    });
    expect(
      loadConfig({
        ...complete,
        LUOSHI_S3_REGION: 'cn-north-1',
        LUOSHI_S3_FORCE_PATH_STYLE: 'true',
      }).evidenceStore,
    ).toMatchObject({
      endpoint: 'https://s3.cn-north-1.amazonaws.com.cn',
      forcePathStyle: true,
      prefix: '',
    });
    expect(
      loadConfig({ ...complete, LUOSHI_S3_REGION: 'eu-central-1' }).evidenceStore,
    ).toMatchObject({ endpoint: 'https://s3.eu-central-1.amazonaws.com', forcePathStyle: false });
  });
});
