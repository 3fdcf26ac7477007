// The HTTP port: one request, one result. Expected failures (refused, DNS, TLS, timeout, too large)
// are values, each with its own code, so steps can say exactly what went wrong.

/** One HTTP request. */
export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Bytes of response body kept; beyond it the body is cut and `truncated` set. */
  readonly maxResponseBytes: number;
  /** Follow 3xx responses (up to `maxRedirects`). */
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
}

/** Why a request got no response. */
export type HttpFailureCode =
  | 'connection_refused'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'reset'
  | 'aborted'
  | 'invalid_url'
  | 'too_many_redirects'
  | 'other';

/** What became of a request. */
export type HttpResult =
  | {
      readonly _tag: 'response';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Uint8Array;
      /** The body was longer than `maxResponseBytes` and was cut. */
      readonly truncated: boolean;
      /** The URL that answered, after redirects. */
      readonly url: string;
    }
  | {
      readonly _tag: 'failed';
      readonly code: HttpFailureCode;
      readonly message: string;
      readonly hint?: string;
    };

/** Sends HTTP requests. The Node implementation uses Node's own `fetch`. */
export interface HttpClient {
  /** Never rejects: a failure is a `failed` result. `signal` aborts the request. */
  request(request: HttpRequest, signal: AbortSignal): Promise<HttpResult>;
}
