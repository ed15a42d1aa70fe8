import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extensionInterfaces, type ExportedInterface } from '../../lib/component/extensions.js';
import { extensionWitPackages, writeExportedWit, writeExtensionWit, writeHostWit } from '../../lib/component/wit-gen.js';
import type { WitType } from '../../lib/model/wit-types.js';
import { buildImportingComponent, removeTempDirs, tempDir } from './wit-gen.helpers.js';

afterAll(removeTempDirs);

const FIBO: ExportedInterface = {
  name: 'template-fibo:activity/fibo-activity-ifc',
  functions: [{
    name: 'fibo',
    params: [{ name: 'n', type: { kind: 'u8' } }],
    result: { kind: 'result', ok: { kind: 'u64' }, err: null },
  }],
};

// The shop package as its author wrote it; the exported interface below is what the type reader
// would produce from it (aliases resolved, named types carrying their owner).
const SHOP_WIT = `package test:shop@1.2.0;

interface types {
    record money { cents: u64 }
    variant error { execution-failed, invalid(string) }
}

interface orders {
    use types.{money, error as types-error};
    record order { id: string, total: money }
    variant error { execution-failed, out-of-stock }
    place: func(order: order, %type: u8) -> result<money, error>;
    refund: func(orders: list<order>) -> result<_, types-error>;
}
`;
const TYPES = 'test:shop/types@1.2.0';
const ORDERS = 'test:shop/orders@1.2.0';
const money: WitType = { kind: 'record', name: 'money', owner: TYPES, fields: [{ name: 'cents', type: { kind: 'u64' } }] };
const order: WitType = {
  kind: 'record', name: 'order', owner: ORDERS,
  fields: [{ name: 'id', type: { kind: 'string' } }, { name: 'total', type: money }],
};
const errorOf = (owner: string, cases: [string, WitType | null][]): WitType =>
  ({ kind: 'variant', name: 'error', owner, cases: cases.map(([name, type]) => ({ name, type })) });
const SHOP: ExportedInterface = {
  name: ORDERS,
  functions: [
    {
      name: 'place',
      params: [{ name: 'order', type: order }, { name: 'type', type: { kind: 'u8' } }],
      result: { kind: 'result', ok: money, err: errorOf(ORDERS, [['execution-failed', null], ['out-of-stock', null]]) },
    },
    {
      name: 'refund',
      params: [{ name: 'orders', type: { kind: 'list', element: order } }],
      result: { kind: 'result', ok: null, err: errorOf(TYPES, [['execution-failed', null], ['invalid', { kind: 'string' }]]) },
    },
  ],
};

/** A wit folder with the host packages in deps, ready for a world. */
async function witRoot(): Promise<{ root: string; deps: string }> {
  const root = await tempDir();
  const deps = join(root, 'deps');
  await writeHostWit(deps);
  return { root, deps };
}

describe('extension WIT', () => {
  it('for the fibo activity: written in the deps layout, every signature as obelisk-compat.md §2 gives it', async () => {
    const { root, deps } = await witRoot();
    const written = await writeExtensionWit([FIBO], 'activity_stub', deps);
    expect(written.map((p) => p.slice(deps.length + 1).split(/[\\/]/).join('/'))).toEqual([
      'template-fibo_activity-obelisk-ext/template-fibo_activity-obelisk-ext.wit',
      'template-fibo_activity-obelisk-schedule/template-fibo_activity-obelisk-schedule.wit',
      'template-fibo_activity-obelisk-stub/template-fibo_activity-obelisk-stub.wit',
    ]);
    const [ext, schedule, stub] = await Promise.all(written.map((p) => readFile(p, 'utf8')));
    expect(ext).toBe(`package template-fibo:activity-obelisk-ext;

interface fibo-activity-ifc {
    use obelisk:types/join-set@4.2.0.{join-set};
    use obelisk:types/execution@4.2.0.{execution-id, await-next-extension-error, get-extension-error, invoke-extension-error};

    fibo-submit: func(join-set: borrow<join-set>, n: u8) -> execution-id;
    fibo-await-next: func(join-set: borrow<join-set>) -> result<tuple<execution-id, result<u64>>, await-next-extension-error>;
    fibo-get: func(execution-id: execution-id) -> result<result<u64>, get-extension-error>;
    fibo-invoke: func(label: string, n: u8) -> result<result<u64>, invoke-extension-error>;
}
`);
    expect(schedule).toContain('    use obelisk:types/time@4.2.0.{schedule-at};\n');
    expect(schedule).toContain('    fibo-schedule: func(schedule-at: schedule-at, n: u8) -> execution-id;\n');
    expect(stub).toContain('    use obelisk:types/execution@4.2.0.{execution-id, stub-error};\n');
    expect(stub).toContain('    fibo-stub: func(execution-id: execution-id, execution-result: result<u64>) -> result<_, stub-error>;\n');

    const ifcs = extensionInterfaces(FIBO, 'activity_stub');
    const wit = await buildImportingComponent(root, ifcs);
    for (const i of ifcs) expect(wit).toContain(`import ${i.name};`);
    expect(wit).toContain('import obelisk:types/join-set@4.2.0;');
  });

  it('for a function with records from its own and another interface: uses them by owner and embeds', async () => {
    const { root, deps } = await witRoot();
    await mkdir(join(deps, 'test_shop@1.2.0'));
    await writeFile(join(deps, 'test_shop@1.2.0', 'test_shop@1.2.0.wit'), SHOP_WIT);
    const [ext] = await Promise.all((await writeExtensionWit([SHOP], 'workflow', deps)).map((p) => readFile(p, 'utf8')));
    expect(ext).toMatch(/^package test:shop-obelisk-ext@1\.2\.0;\n/);
    expect(ext).toContain('    use test:shop/orders@1.2.0.{order, error};\n');
    expect(ext).toContain('    use test:shop/types@1.2.0.{money, error as types-error};\n');
    expect(ext).toContain('    place-submit: func(join-set: borrow<join-set>, order: order, %type: u8) -> execution-id;\n');
    expect(ext).toContain('    refund-get: func(execution-id: execution-id) -> result<result<_, types-error>, get-extension-error>;\n');

    const ifcs = extensionInterfaces(SHOP, 'workflow');
    const wit = await buildImportingComponent(root, ifcs);
    expect(wit).toContain('import test:shop-obelisk-ext/orders@1.2.0;');
    expect(wit).toContain('import test:shop-obelisk-schedule/orders@1.2.0;');
  });

  it('rebuilds the exported package from types alone, so the ext package embeds without the author’s WIT', async () => {
    const { root, deps } = await witRoot();
    const [shop] = await Promise.all((await writeExportedWit([SHOP], deps)).map((p) => readFile(p, 'utf8')));
    await writeExtensionWit([SHOP], 'activity_stub', deps);
    expect(shop).toBe(`package test:shop@1.2.0;

interface orders {
    use types.{money, error as types-error};

    record order {
        id: string,
        total: money,
    }

    variant error {
        execution-failed,
        out-of-stock,
    }

    place: func(order: order, %type: u8) -> result<money, error>;
    refund: func(orders: list<order>) -> result<_, types-error>;
}

interface types {
    record money {
        cents: u64,
    }

    variant error {
        execution-failed,
        invalid(string),
    }
}
`);
    const ifcs = [SHOP, ...extensionInterfaces(SHOP, 'activity_stub')];
    const wit = await buildImportingComponent(root, ifcs);
    for (const i of ifcs) expect(wit).toContain(`import ${i.name};`);
  });

  it('puts interfaces of one package into one file', () => {
    const files = extensionWitPackages([FIBO, { ...FIBO, name: 'template-fibo:activity/other-ifc' }], 'workflow');
    expect(files.map((f) => f.path)).toEqual([
      'template-fibo_activity-obelisk-ext/template-fibo_activity-obelisk-ext.wit',
      'template-fibo_activity-obelisk-schedule/template-fibo_activity-obelisk-schedule.wit',
    ]);
    expect(files[0]!.text.match(/^interface /gm)).toHaveLength(2);
  });

  it('refuses to print a parameter that collides with the extension’s own', () => {
    const clash = { ...FIBO, functions: [{ ...FIBO.functions[0]!, params: [{ name: 'label', type: { kind: 'string' as const } }] }] };
    expect(() => extensionWitPackages([clash], 'workflow')).toThrow(/fibo-invoke: two parameters are named "label"/);
  });
});
