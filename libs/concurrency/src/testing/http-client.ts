/**
 * A tiny HTTP client for test apps (`TestApp.http`): real requests over loopback (keep-alive,
 * unlimited sockets), JSON in and out, headers (lower-case keys) and status exposed so race
 * tests can count outcomes.
 */
import { Agent, request } from 'undici';

export interface HttpResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent verbatim (no JSON encoding), e.g. to test malformed or oversized bodies. */
  rawBody?: string | Buffer;
  headers?: Record<string, string | undefined>;
  token?: string;
  query?: Record<string, string | number | boolean | undefined>;
}

const agent = new Agent({ connections: null, pipelining: 1, keepAliveTimeout: 10_000 });

/** A client bound to one base URL and (optionally) one bearer token. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  /** The same client acting as another user. */
  as(token: string | undefined): HttpClient {
    return new HttpClient(this.baseUrl, token);
  }

  get<T = any>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.send('GET', path, options);
  }
  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.send('POST', path, { ...options, body });
  }
  put<T = any>(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.send('PUT', path, { ...options, body });
  }
  patch<T = any>(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.send('PATCH', path, { ...options, body });
  }
  delete<T = any>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.send('DELETE', path, options);
  }

  async send<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    const token = options.token ?? this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | Buffer | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (v === undefined) delete headers[k.toLowerCase()];
      else headers[k.toLowerCase()] = v;
    }
    const res = await request(url, { method: method as any, headers, body: payload, dispatcher: agent });
    const text = await res.body.text();
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    let body: any = text;
    if (text && /json/.test(flat['content-type'] ?? '')) body = JSON.parse(text);
    return { status: res.statusCode, headers: flat, body, text };
  }
}
