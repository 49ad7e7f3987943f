// Serves the built renderer: files by extension, every other path (a renderer route) gets index.html.
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { baseSecurityHeaders, htmlSecurityHeaders } from '../shell/csp';
import { sendHtml, simplePage } from './responses';
import { classifyStaticPath, containedPath, contentTypeFor } from './static-path';

export const NOT_BUILT_MESSAGE = 'renderer not built: run npm run build';

export class StaticFiles {
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  async serve(res: ServerResponse, rawPath: string): Promise<void> {
    const target = classifyStaticPath(rawPath);
    if (target.kind === 'bad') return notFound(res, 400, 'Bad request', 'That path is not allowed.');
    if (target.kind === 'spa') return this.#serveIndex(res);

    const file = containedPath(this.#root, target.relPath);
    const real = file && (await this.#realInsideRoot(file));
    if (!real) return notFound(res, 404, 'Not found', 'There is no such file.');
    await sendFile(res, real);
  }

  async #serveIndex(res: ServerResponse): Promise<void> {
    const index = join(this.#root, 'index.html');
    if (!(await this.#realInsideRoot(index))) {
      return sendHtml(
        res,
        503,
        simplePage('Junction', [NOT_BUILT_MESSAGE, `(looked for index.html in ${this.#root})`]),
      );
    }
    await sendFile(res, index);
  }

  /** Resolves symlinks and checks the file is a regular file still inside the root. */
  async #realInsideRoot(file: string): Promise<string | null> {
    try {
      const [rootReal, fileReal] = await Promise.all([realpath(this.#root), realpath(file)]);
      if (!fileReal.startsWith(rootReal + sep)) return null;
      return (await stat(fileReal)).isFile() ? fileReal : null;
    } catch {
      return null;
    }
  }
}

async function sendFile(res: ServerResponse, file: string): Promise<void> {
  const body = await readFile(file);
  const type = contentTypeFor(file);
  const isHtml = type.startsWith('text/html');
  res.writeHead(200, {
    ...(isHtml ? htmlSecurityHeaders() : baseSecurityHeaders()),
    'content-type': type,
    'content-length': String(body.length),
    // index.html must be revalidated so a rebuild is picked up; assets are cheap to revalidate on loopback.
    'cache-control': isHtml ? 'no-store' : 'no-cache',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function notFound(res: ServerResponse, status: number, title: string, message: string): void {
  sendHtml(res, status, simplePage(title, [message]));
}
