// SPDX-License-Identifier: GPL-3.0-or-later
//
// The Node side of tests/test-interop.c: drives the real @ratio1/cstore-auth-ts against the
// CStore named by EE_CHAINSTORE_API_URL, with the R1EN_CSTORE_AUTH_* variables set by the test.
//
//   node interop.js create <username> <password> [<metadata JSON>]
//   node interop.js auth <username> <password>
//   node interop.js get <username>
//   node interop.js list
//
// Prints one JSON line: {"ok":true,"user":{...}} / {"ok":true,"users":[...]} or
// {"ok":false,"name":"<error class>","code":"<code>","message":"..."}; the exit status is 0
// either way so the caller can assert on expected failures. Anything unexpected exits 2.
'use strict';

const { CStoreAuth } = require('@ratio1/cstore-auth-ts');

async function main(argv) {
  const [command, username, password, metadata] = argv;
  const auth = new CStoreAuth({ logger: { debug() {}, info() {}, warn() {}, error: console.error } });

  await auth.simple.init();
  switch (command) {
    case 'create':
      return {
        ok: true,
        user: await auth.simple.createUser(username, password, {
          metadata: metadata ? JSON.parse(metadata) : { origin: 'node' },
        }),
      };
    case 'auth':
      return { ok: true, user: await auth.simple.authenticate(username, password) };
    case 'get':
      return { ok: true, user: await auth.simple.getUser(username) };
    case 'list':
      return { ok: true, users: await auth.simple.getAllUsers() };
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + '\n');
  },
  (error) => {
    if (error && typeof error.code === 'string' && error.name && error.name.endsWith('Error') && error.code !== 'ERR_MODULE_NOT_FOUND') {
      process.stdout.write(JSON.stringify({ ok: false, name: error.name, code: error.code, message: error.message }) + '\n');
      return;
    }
    console.error(error && error.stack ? error.stack : error);
    process.exit(2);
  },
);
