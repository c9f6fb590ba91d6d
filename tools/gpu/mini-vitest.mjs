// A small stand-in for vitest on the GPU machine, which has Node but no registry: the package test files are
// bundled with `vitest` resolved to this file (tools/gpu/pack.mjs), so the same suites run there. It keeps what
// those files use: describe (and describe.skipIf), it, beforeAll, afterAll, and vitest's own `expect`
// (@vitest/expect over chai). Tests run in order; `run()` prints each result and returns the failure count.
import {
  chai,
  GLOBAL_EXPECT,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** vitest's expect: chai's with the Jest matchers, counting assertions as vitest does. */
export const expect = (value, message) => {
  const { assertionCalls } = getState(expect);
  setState({ assertionCalls: assertionCalls + 1 }, expect);
  return chai.expect(value, message);
};
Object.assign(expect, chai.expect);
Object.assign(expect, globalThis[GLOBAL_EXPECT] ?? {});
setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null }, expect);
expect.getState = () => getState(expect);
expect.setState = (state) => setState(state, expect);
globalThis[GLOBAL_EXPECT] = expect;

const root = { name: '', children: [], beforeAll: [], afterAll: [], skip: false };
let current = root;

function group(name, body, skip) {
  const node = { name, children: [], beforeAll: [], afterAll: [], skip: skip || current.skip };
  current.children.push(node);
  const parent = current;
  current = node;
  try {
    body();
  } finally {
    current = parent;
  }
}

export const describe = (name, body) => group(name, body, false);
describe.skipIf = (condition) => (name, body) => group(name, body, Boolean(condition));
describe.skip = (name, body) => group(name, body, true);
export const it = (name, body) => current.children.push({ name, body, skip: current.skip });
it.skipIf = (condition) => (name, body) => current.children.push({ name, body, skip: Boolean(condition) });
export const beforeAll = (hook) => current.beforeAll.push(hook);
export const afterAll = (hook) => current.afterAll.push(hook);

/** Runs every collected test in order; returns the number that failed. */
export async function run(log = (line) => process.stdout.write(`${line}\n`)) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  async function visit(node, path) {
    if (node.body !== undefined) {
      const title = [...path, node.name].join(' > ');
      if (node.skip) {
        // The skipped suite's title carries the reason (describeRequiring's), so the report says why.
        counts.skipped++;
        log(`skip ${title}`);
        return;
      }
      try {
        await node.body();
        counts.passed++;
        log(`ok   ${title}`);
      } catch (error) {
        counts.failed++;
        log(
          `FAIL ${title}\n     ${String(error?.stack ?? error)
            .split('\n')
            .slice(0, 4)
            .join('\n     ')}`,
        );
      }
      return;
    }
    const active = !node.skip && node.children.length > 0;
    if (active) for (const hook of node.beforeAll) await hook();
    for (const child of node.children) await visit(child, node.name ? [...path, node.name] : path);
    if (active) for (const hook of node.afterAll) await hook();
  }
  await visit(root, []);
  log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return counts;
}
