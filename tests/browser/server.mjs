// A tiny static file server for a built site, for the browser tests. It serves the site under its
// base path (the path of base_url, e.g. /bulletin/), like a real host would: the content types a
// host sends (with `nosniff`, so a wrong one breaks the page as it would in production), index.html
// for folders, a redirect for folders asked without their slash, and 404 (with the site's 404.html)
// for everything else.
//
// Standalone: `node server.mjs SITE_DIR [PORT]` prints the address and serves until stopped.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The content type of a file name; unknown extensions are opaque bytes. */
export function contentType(name) {
  return TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** The site's base path, read from the first <loc> of its sitemap (the home page); `/` without one. */
export function basePath(root) {
  try {
    const xml = fs.readFileSync(path.join(root, 'sitemap.xml'), 'utf8');
    const loc = /<loc>([^<]+)<\/loc>/.exec(xml);
    if (loc) {
      const p = new URL(loc[1]).pathname;
      return p.endsWith('/') ? p : `${p}/`;
    }
  } catch {
    // No sitemap: serve at the root.
  }
  return '/';
}

/**
 * Serves `root` under `base` on 127.0.0.1 (port 0: any free one).
 * Resolves to { origin, base, url(rel), close() }.
 */
export function serve(root, { base = basePath(root), port = 0 } = {}) {
  const top = path.resolve(root);
  const notFound = (res, head) => {
    const page = path.join(top, '404.html');
    const body = fs.existsSync(page) ? fs.readFileSync(page) : Buffer.from('404 Not Found\n');
    res.writeHead(404, {
      'content-type': fs.existsSync(page) ? TYPES['.html'] : TYPES['.txt'],
      'content-length': body.length,
      'x-content-type-options': 'nosniff',
    });
    res.end(head ? undefined : body);
  };
  const server = http.createServer((req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    if (!pathname.startsWith(base)) {
      notFound(res, head);
      return;
    }
    const file = path.resolve(top, `.${path.posix.sep}${pathname.slice(base.length)}`);
    // No escaping the site folder with `..`, no dot files (the build manifest).
    if ((file !== top && !file.startsWith(top + path.sep)) || /(^|[\\/])\./.test(path.relative(top, file))) {
      notFound(res, head);
      return;
    }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    let target = file;
    if (stat?.isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { location: `${pathname}/` });
        res.end();
        return;
      }
      target = path.join(file, 'index.html');
      stat = fs.statSync(target, { throwIfNoEntry: false });
    }
    if (!stat?.isFile()) {
      notFound(res, head);
      return;
    }
    res.writeHead(200, {
      'content-type': contentType(target),
      'content-length': stat.size,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (head) {
      res.end();
    } else {
      fs.createReadStream(target).pipe(res);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        origin,
        base,
        url: (rel = '') => `${origin}${base}${rel}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root, port] = process.argv.slice(2);
  if (!root) {
    console.error('usage: node server.mjs SITE_DIR [PORT]');
    process.exit(2);
  }
  const s = await serve(root, { port: Number(port ?? 0) });
  console.log(`serving ${path.resolve(root)} at ${s.url()}`);
}
