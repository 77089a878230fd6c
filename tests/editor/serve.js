'use strict';
// A small static server on 127.0.0.1 for the editor check: the editor page (index.html + harness.js), Label Studio's
// editor bundle (lsf/main.js, lsf/main.css, lsf/LICENSE, fetched by fetch-lsf.sh) and registered CSV files under
// /csv/<n>/<name>. With an upstream (the Label Studio emulator), /api/* and /data/* are forwarded to it with the
// upstream token added, so the page loads a task, its CSV and posts annotations exactly as Label Studio's app does,
// from one origin, without CORS and without the token ever reaching the page.
//
//   node serve.js [--port 8090] [--upstream http://127.0.0.1:PORT/] [--csv /abs/a.csv ...]
//   (token in LSF_UPSTREAM_TOKEN) then open http://127.0.0.1:8090/?csv=/csv/0/a.csv for a manual look.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;
const LSF_DIR = path.join(HERE, 'lsf');

const STATIC = {
  '/': { file: path.join(HERE, 'index.html'), type: 'text/html; charset=utf-8' },
  '/index.html': { file: path.join(HERE, 'index.html'), type: 'text/html; charset=utf-8' },
  '/harness.js': { file: path.join(HERE, 'harness.js'), type: 'text/javascript; charset=utf-8' },
  '/lsf/main.js': { file: path.join(LSF_DIR, 'main.js'), type: 'text/javascript; charset=utf-8', cache: true },
  '/lsf/main.css': { file: path.join(LSF_DIR, 'main.css'), type: 'text/css; charset=utf-8', cache: true },
  '/lsf/LICENSE': { file: path.join(LSF_DIR, 'LICENSE'), type: 'text/plain; charset=utf-8', cache: true },
};

function lsfMissing() {
  return ['main.js', 'main.css', 'LICENSE'].filter((f) => !fs.existsSync(path.join(LSF_DIR, f)));
}

/**
 * Starts the server. Returns { url, addCsv(absPath) -> relative URL, requests (log), close() }.
 * @param {{port?: number, upstream?: string, upstreamToken?: string}} options
 */
function startServer(options = {}) {
  const files = [];
  const requests = [];
  const upstream = options.upstream ? new URL(options.upstream) : null;
  if (upstream && upstream.hostname !== '127.0.0.1' && upstream.hostname !== 'localhost') {
    throw new Error(`upstream must be on 127.0.0.1, not ${upstream.hostname}`);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push({ method: req.method, path: url.pathname + url.search });
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
      res.end(body);
    };

    if (upstream && (url.pathname.startsWith('/api/') || url.pathname.startsWith('/data/'))) {
      proxy(req, res, upstream, options.upstreamToken);
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'text/plain', 'method not allowed');
      return;
    }

    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }

    const fixed = STATIC[url.pathname];
    const csv = /^\/csv\/(\d+)\/[^/]+$/.exec(url.pathname);
    const target = fixed ?? (csv && files[Number(csv[1])] ? { file: files[Number(csv[1])], type: 'text/csv; charset=utf-8' } : null);
    if (!target) {
      send(404, 'text/plain', `not found: ${url.pathname}`);
      return;
    }

    fs.readFile(target.file, (err, body) => {
      if (err) {
        send(404, 'text/plain', `cannot read ${path.basename(target.file)}: ${err.code}`);
        return;
      }

      res.writeHead(200, {
        'Content-Type': target.type,
        'Content-Length': body.length,
        'Cache-Control': target.cache ? 'public, max-age=3600, immutable' : 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        requests,
        addCsv(file) {
          files.push(path.resolve(file));
          return `/csv/${files.length - 1}/${encodeURIComponent(path.basename(file))}`;
        },
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

function proxy(req, res, upstream, token) {
  const headers = { ...req.headers, host: upstream.host };
  delete headers.cookie;
  delete headers.origin;
  delete headers.referer;
  if (token) {
    headers.authorization = `Token ${token}`;
  }

  const forward = http.request(
    { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (err) => {
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`upstream ${upstream.origin} unreachable: ${err.message}`);
  });
  req.pipe(forward);
}

module.exports = { startServer, lsfMissing, LSF_DIR };

if (require.main === module) {
  const args = process.argv.slice(2);
  const options = { upstreamToken: process.env.LSF_UPSTREAM_TOKEN };
  const csvs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') options.port = Number(args[++i]);
    else if (args[i] === '--upstream') options.upstream = args[++i];
    else if (args[i] === '--csv') csvs.push(args[++i]);
    else {
      console.error(`serve.js: unknown argument ${args[i]}`);
      process.exit(2);
    }
  }

  startServer(options).then((s) => {
    console.log(`serving the editor page at ${s.url}`);
    for (const csv of csvs) console.log(`  ${csv} -> ${s.url.replace(/\/$/, '')}${s.addCsv(csv)}`);
    const missing = lsfMissing();
    if (missing.length) console.log(`  warning: lsf/ lacks ${missing.join(', ')}: run fetch-lsf.sh`);
  });
}
