#!/usr/bin/env node
// s3rver for LabelPipeline's tests, on loopback:
//   node --openssl-legacy-provider tests/s3/server.js -d <data dir> -a 127.0.0.1 -p <port, 0 = any free one> [--key ID:SECRET]...
// Prints one line "s3rver listening on http://<address>:<port>" once it accepts requests, and stops on SIGTERM/SIGINT.
// Why a wrapper and not bin/s3rver.js: s3rver accepts only the access key id S3RVER; --key registers more ids (its
// account registry is a module-level map), so tests can tell the pipeline's keys, an assumed role's keys and stale
// keys apart, and an unknown id gets the real 403 InvalidAccessKeyId. Signatures are still not checked (s3rver's limit).
// --openssl-legacy-provider is needed on Node 20+: s3rver builds ListObjectsV2 continuation tokens with DES.
'use strict';

const http = require('http');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const options = { directory: undefined, address: '127.0.0.1', port: 0, silent: true };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const value = () => {
    if (i + 1 >= args.length) throw new Error(`${args[i]} needs a value`);
    return args[++i];
  };
  switch (args[i]) {
    case '-d': case '--directory': options.directory = value(); break;
    case '-a': case '--address': options.address = value(); break;
    case '-p': case '--port': options.port = Number(value()); break;
    case '--verbose': options.silent = false; break;
    case '--key': {
      const [id, secret] = value().split(':');
      if (!id || !secret) throw new Error('--key needs ID:SECRET');
      AWSAccount.DUMMY_ACCOUNT.createKeyPair(id, secret);
      break;
    }
    default: throw new Error(`unknown option ${args[i]}`);
  }
}
if (!options.directory) throw new Error('-d <data dir> is required');
require('fs').mkdirSync(options.directory, { recursive: true });

// Test-only admin routes in front of s3rver, so a test can make keys go stale while the server runs:
//   PUT /__admin/keys/<id>?secret=<secret>  registers a key id; DELETE /__admin/keys/<id> revokes it.
const s3rver = new S3rver(options);
const handle = s3rver.callback();
const server = http.createServer((request, response) => {
  const match = /^\/__admin\/keys\/([^/?]+)(?:\?secret=([^&]+))?$/.exec(request.url);
  if (!match) return handle(request, response);
  const id = decodeURIComponent(match[1]);
  if (request.method === 'PUT' && match[2]) AWSAccount.DUMMY_ACCOUNT.createKeyPair(id, decodeURIComponent(match[2]));
  else if (request.method === 'DELETE') AWSAccount.DUMMY_ACCOUNT.revokeAccessKey(id);
  else { response.writeHead(400); return response.end('PUT ?secret= or DELETE'); }
  response.writeHead(204);
  response.end();
});
server.on('error', error => {
  console.error(`s3rver failed to start: ${error.message}`);
  process.exit(1);
});
server.listen(options.port, options.address, () => {
  const { address, port } = server.address();
  console.log(`s3rver listening on http://${address}:${port}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
