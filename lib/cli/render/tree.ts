/**
 * `execution tree`: an execution and its children (the ids of its `child-requested` events),
 * recursively, each with status, duration and function; and, when it did not end ok, the path down
 * to the descendant where the err or failure started.
 */
import type { Style } from '../io.js';
import { columns, formatCall, formatDuration, formatOutcome, outcomeWord } from './format.js';
import { statusJson, statusLabel, type ExecutionSummary } from './summary.js';

export interface TreeNode {
  id: string;
  /** Undefined when the child's folder cannot be read (its message is in `problem`). */
  summary?: ExecutionSummary;
  problem?: string;
  children: TreeNode[];
}

/** The path from the root to the deepest execution that did not end ok, following not-ok children; empty when the root is ok or unfinished. */
export function failurePath(root: TreeNode): TreeNode[] {
  const path: TreeNode[] = [];
  let node: TreeNode | undefined = root;
  while (node && notOk(node)) {
    path.push(node);
    node = node.children.find(notOk);
  }
  return path;
}

function notOk(n: TreeNode): boolean {
  const outcome = n.summary?.status.outcome;
  return outcome !== undefined && outcomeWord(outcome) !== 'ok';
}

export function treeText(root: TreeNode, s: Style): string {
  const rows: string[][] = [];
  const walk = (n: TreeNode, lead: string, branch: string) => {
    const x = n.summary;
    const label = x ? statusLabel(x.status) : 'unreadable';
    const painted = label === 'finished ok' ? s.green(label) : label.startsWith('finished') || !x ? s.red(label) : label;
    rows.push([`${lead}${branch}${n.id}`, painted, x?.durationMs !== undefined ? formatDuration(x.durationMs) : '-', x ? formatCall(x.ffqn, x.params, 60) : n.problem ?? '']);
    const childLead = lead + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    n.children.forEach((c, i) => walk(c, childLead, i === n.children.length - 1 ? '└─ ' : '├─ '));
  };
  walk(root, '', '');
  const lines = columns(rows);
  const path = failurePath(root);
  const last = path.at(-1);
  if (last?.summary) {
    lines.push('', `${s.bold(path.length > 1 ? 'failed in' : 'failed')}: ${path.map((n) => n.id).join(' > ')}`,
      `  ${formatCall(last.summary.ffqn, last.summary.params)}`, `  ${formatOutcome(last.summary.status.outcome!, s).replaceAll('\n', '\n  ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function treeJson(root: TreeNode): Record<string, unknown> {
  const node = (n: TreeNode): Record<string, unknown> => {
    const x = n.summary;
    if (!x) return { execution_id: n.id, problem: n.problem, children: n.children.map(node) };
    return {
      execution_id: n.id, ffqn: x.ffqn, params: x.params, ...statusJson(x.status), created_at: x.createdAt,
      ...(x.finishedAt ? { finished_at: x.finishedAt, duration_ms: x.durationMs } : {}),
      children: n.children.map(node),
    };
  };
  const path = failurePath(root);
  return { ...node(root), ...(path.length ? { failed_path: path.map((n) => n.id) } : {}) };
}
