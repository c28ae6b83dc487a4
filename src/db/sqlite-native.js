// Which better-sqlite3 to load. 12.x wraps its objects in Node's raw ObjectWrap, whose destructor
// on Node 24 asserts that a Node environment is current: a statement garbage-collected at exit (or
// in a GC task outside any JavaScript context) aborts the process (SIGABRT, "Assertion failed:
// (env) != nullptr", WiseLibs/better-sqlite3#1515). 13.x is built on Node-API and is fine on 22 and
// later, but crashes on Node 20 (../shared/STACK.md). Same API, same SQLite file format.
//
// 13 is held at 13.0.x (SQLite 3.53): SQLite 3.54 marks a join's `column = ?` terms as depending
// on their bound value, and better-sqlite3 clears a statement's bindings after every run, which
// expires such a statement, so each run compiled it again (the signed-in topic page's statements:
// ~300 µs more a view on Node 24). test/db/statement-reuse.test.ts fails on a SQLite that does this.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

/** The better-sqlite3 Database constructor for this Node version. */
export const SQLite = major >= 22 ? require('better-sqlite3-napi') : loadLegacy();

function loadLegacy() {
  try {
    return require('better-sqlite3');
  } catch (err) {
    throw new Error(`Node ${process.versions.node} needs better-sqlite3 12, which did not install or build (${err.message}). Run npm ci again, or use Node 22 or later.`);
  }
}
