/** `obelisk execution tree <id> [--json]`: the execution and its children, recursively; the path to a failure. */
import type { ExecutionStore } from '../../store/index.js';
import { ObeliskError } from '../../model/errors.js';
import { parseExecutionId, type ExecutionId } from '../../model/ids.js';
import type { CommandContext } from '../command.js';
import { jsonLine } from '../render/format.js';
import { summarize } from '../render/summary.js';
import { treeJson, treeText, type TreeNode } from '../render/tree.js';
import { executionIdArg, openStore, readExecution } from './shared/open.js';

export async function run(ctx: CommandContext): Promise<number> {
  const id = executionIdArg(ctx);
  const config = await ctx.loadConfig();
  const store = await openStore(ctx, config);
  const { events, inbox } = await readExecution(store, id); // the root must exist; a child may be unreadable
  const root: TreeNode = { id, summary: summarize(id, events, inbox), children: [] };
  await addChildren(store, root);
  ctx.io.out(ctx.json ? jsonLine(treeJson(root)) : treeText(root, ctx.io.style));
  return 0;
}

async function addChildren(store: ExecutionStore, node: TreeNode): Promise<void> {
  for (const childId of node.summary?.children ?? []) {
    const child: TreeNode = { id: childId, children: [] };
    try {
      const cid: ExecutionId = parseExecutionId(childId);
      const { events, inbox } = await store.read(cid);
      child.summary = summarize(cid, events, inbox);
      await addChildren(store, child);
    } catch (e) {
      if (!(e instanceof ObeliskError)) throw e; // not found, corrupt: shown in the tree; anything else is a bug
      child.problem = (e as Error).message;
    }
    node.children.push(child);
  }
}
