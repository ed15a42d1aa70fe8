/**
 * Every command, in one list. --help for all levels is generated from it, so what --help says is what
 * exists. To implement a command: write lib/cli/commands/<noun>-<verb>.ts exporting `run: Handler`, and
 * set `handler: () => import('./commands/<noun>-<verb>.js')` on its entry below.
 */
import type { CommandSpec, OptionSpec } from './command.js';

const JSON_OUT: OptionSpec = { flags: '--json', description: 'Print JSON instead of text' };
const FOLLOW: OptionSpec = { flags: '-f, --follow', description: 'Wait until the execution finishes, print its result; exit 1 if it ended in err or failure' };
const EXECUTION_ID = { name: 'execution-id', description: 'An execution id, for example E_01JZ1D9Y7T9WQ6QZ8Q0A7Y8B2C' } as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    noun: 'execution', verb: 'submit', summary: 'Submit an execution of a function',
    description: 'Creates a top-level execution of <ffqn> with <params> (or @file.json: the array read from that file) and prints its id. The parameters are checked '
      + "against the function's type before anything is written. With --follow, waits for the result, printing each "
      + 'status change, then how long it took and the result ({"ok": …}, {"err": …}, or the execution failure); '
      + 'exits 1 unless the result is ok. If no `obelisk server run` runs on the state folder, --follow advances '
      + 'the execution (and any other due work) in this process; otherwise it watches the log.',
    args: [
      { name: 'ffqn', description: 'The function: namespace:package/interface.function, for example template-fibo:workflow/fibo-workflow-ifc.fiboa' },
      { name: 'params', description: 'Its parameters as a JSON array, for example [10,2]' },
    ],
    options: [FOLLOW, { flags: '--json', description: 'Print JSON: {"execution_id": …}; with --follow one object per status change, the last with the result' }],
    examples: [
      "obelisk execution submit --follow template-fibo:workflow/fibo-workflow-ifc.fiboa '[10,2]'",
      'obelisk execution submit template-fibo:workflow/fibo-workflow-ifc.fiboa @params.json',
    ],
    handler: () => import('./commands/execution-submit.js'),
  },
  {
    noun: 'execution', verb: 'get', summary: "Show an execution's status, result, timings and retries",
    description: 'Status is pending, locked, blocked or finished, with the time it was entered. With --follow, first waits '
      + 'until the execution finishes (advancing it here when no server runs), printing each status change.',
    args: [EXECUTION_ID], options: [FOLLOW, JSON_OUT],
    handler: () => import('./commands/execution-get.js'),
  },
  {
    noun: 'execution', verb: 'list', summary: 'List executions, newest first',
    description: 'Children are listed after their parent. --status ok, err and failed select finished executions by how they ended.',
    args: [],
    options: [
      { flags: '--ffqn <prefix>', description: 'Only executions of functions whose name starts with this, e.g. template-fibo:workflow/' },
      { flags: '--status <status>', description: 'Only executions in this status: pending, locked, blocked, finished, ok, err or failed' },
      { flags: '--limit <n>', description: 'Show at most this many', default: '50' },
      { flags: '--json', description: 'Print one JSON object per execution, per line' },
    ],
    examples: ['obelisk execution list --status failed --limit 10'],
    handler: () => import('./commands/execution-list.js'),
  },
  {
    noun: 'execution', verb: 'events', summary: "Print an execution's event log",
    description: 'One line per event: its line number in log.jsonl, time, type and key fields (join set, child or delay id, '
      + 'function and parameters, response, result); then the messages waiting in its inbox, marked `inbox`. '
      + 'With --json, the stored JSON lines as they are, log first, then inbox.',
    args: [EXECUTION_ID], options: [JSON_OUT],
    handler: () => import('./commands/execution-events.js'),
  },
  {
    noun: 'execution', verb: 'logs', summary: "Print an execution's log messages and forwarded output",
    args: [EXECUTION_ID], options: [{ flags: '--json', description: 'Print one JSON object per line: {"at", "level", "message"}' }],
    handler: () => import('./commands/execution-logs.js'),
  },
  {
    noun: 'execution', verb: 'tree', summary: 'Show an execution and its children, recursively',
    description: 'Each with its status, duration and function. When the execution did not end ok, also the path down to the '
      + 'child where the err or failure started, with its result.',
    args: [EXECUTION_ID], options: [JSON_OUT],
    handler: () => import('./commands/execution-tree.js'),
  },
  {
    noun: 'execution', verb: 'cancel', summary: 'Cancel an execution that has not finished, or a delay',
    description: 'With an execution id: delivers a cancel request; the execution finishes as `cancelled` the next time it runs, '
      + 'and its parent sees an err. With a delay id (Delay_…): the workflow that submitted it gets the delay\'s response now, '
      + 'marked cancelled (a sleep on it returns err).',
    args: [{ name: 'execution-id', description: 'An execution id (E_…) or a delay id (Delay_…)' }], options: [],
    handler: () => import('./commands/execution-cancel.js'),
  },
  {
    noun: 'execution', verb: 'stub', summary: 'Give the result of a stub activity execution',
    description: "The result is checked against the function's return type. Giving the same result again is accepted; a different one is a conflict (exit 2).",
    args: [EXECUTION_ID, { name: 'result', description: 'The return value as JSON, for example {"ok": 42}' }], options: [],
    handler: () => import('./commands/execution-stub.js'),
  },
  {
    noun: 'execution', verb: 'replay', summary: 'Replay a workflow execution from its log and report any divergence',
    args: [EXECUTION_ID], options: [JSON_OUT],
  },
  {
    noun: 'component', verb: 'list', summary: 'List components, their kinds and exported functions with WIT signatures',
    description: 'Exports that no workflow can call are listed with the reason. Reads only the component types: nothing is transpiled.',
    args: [],
    options: [
      { flags: '--imports', description: 'Also list what each component imports' },
      { flags: '--extensions', description: 'Also list the extension functions a workflow may import for its exports (-submit, -await-next, -get, -invoke, -schedule, -stub)' },
      { flags: '--json', description: 'Print one JSON object per component, per line' },
    ],
    handler: () => import('./commands/component-list.js'),
  },
  {
    noun: 'generate', verb: 'wit-support', summary: 'Write the WIT packages of the host interfaces a workflow imports (obelisk:types, obelisk:workflow, obelisk:log)',
    description: 'One folder per package, as wit/deps expects. Existing files of the same name are overwritten.',
    args: [{ name: 'output-dir', description: 'Folder to write the WIT packages into, typically wit/deps' }],
    options: [],
    examples: ['obelisk generate wit-support wit/deps'],
    handler: () => import('./commands/generate-wit-support.js'),
  },
  {
    noun: 'generate', verb: 'wit-extensions', summary: 'Write the -obelisk-ext, -obelisk-schedule and -obelisk-stub WIT packages for a component',
    description: "Also writes the component's exported packages, rebuilt from its types, which the extension packages use. "
      + 'Existing files of the same name are overwritten.',
    args: [
      { name: 'component', description: 'A component name from obelisk.toml, a .wasm component file, or a WIT folder' },
      { name: 'output-dir', description: 'Folder to write the WIT packages into, typically wit/deps' },
    ],
    options: [{ flags: '--stub', description: 'For a file or WIT folder: it is a stub activity (also write -obelisk-stub)' }],
    examples: ['obelisk generate wit-extensions fibo_activity wit/deps', 'obelisk generate wit-extensions ../fibo/activity/wit wit/deps'],
    handler: () => import('./commands/generate-wit-extensions.js'),
  },
  {
    noun: 'generate', verb: 'types', summary: 'Write TypeScript declarations for a component written in JavaScript or TypeScript',
    description: 'From the WIT folder of a component (its world, dependencies under deps/): declarations of every interface it '
      + 'imports (the obelisk host interfaces, the extension functions of the components it calls) and exports, as jco '
      + 'generates them for guests, plus `obelisk/workflow` (the helper for workflows) when the world imports workflow-support. '
      + 'Existing files of the same name are overwritten.',
    args: [
      { name: 'wit-dir', description: 'The WIT folder, for example wit/workflow' },
      { name: 'out-dir', description: 'Folder to write the declarations into, for example types/workflow' },
    ],
    options: [{ flags: '--world <name>', description: 'The world to generate for, when the WIT folder defines more than one' }],
    examples: ['obelisk generate types wit/workflow types/workflow'],
    handler: () => import('./commands/generate-types.js'),
  },
  {
    noun: 'server', verb: 'run', summary: 'Run the executor continuously until interrupted',
    description: 'The same work as `tick`, long-running: new submissions and timers are picked up at once (file-system '
      + 'notifications on state/due/, polling as a fallback). One server per state folder (it holds server.lock). '
      + 'SIGINT/SIGTERM: stop taking work, finish or release what is held, exit.',
    args: [],
    options: [
      { flags: '--concurrency <n>', description: 'Executions advanced at once (default: the number of cores); activity attempts, a hot workflow\'s inline children included, run at most one per core' },
      { flags: '--poll-ms <ms>', description: 'Longest wait between looks at the due index (default 200)' },
      JSON_OUT,
    ],
    handler: () => import('./commands/server-run.js'),
  },
  {
    noun: 'tick', summary: 'Advance every due execution once, then exit (for cron and systemd timers)',
    description: 'Advances due executions and keeps going with the work that creates (children, retries, parents woken by '
      + 'responses) until nothing is due or --max-duration has passed, then releases every lease and exits. Several ticks may '
      + 'overlap safely. Prints one summary line, nothing when nothing happened. Exit 0 whenever it ran; 2 when it could not '
      + '(bad configuration). SIGINT/SIGTERM: stop taking work, finish what runs, exit.',
    args: [],
    options: [
      { flags: '--max-duration <seconds>', description: 'Stop taking new work after this long (default: tick.max_duration, 50)' },
      { flags: '--concurrency <n>', description: 'Executions advanced at once (default: the number of cores); activity attempts, a hot workflow\'s inline children included, run at most one per core' },
      JSON_OUT,
    ],
    examples: ['* * * * * cd /srv/flows && obelisk tick'],
    handler: () => import('./commands/tick.js'),
  },
  {
    noun: 'verify', summary: 'Replay finished executions against the configured components; exit 1 on any divergence',
    description: 'Checks that each log is well formed, that its events follow a valid sequence, and that replaying it with the '
      + 'components configured now reproduces every recorded history event and the same result. Run it in CI before shipping '
      + 'a new version of a workflow. Exit 0 if all replayed, 1 if any diverged, 2 on usage or configuration errors.',
    args: [{ name: 'ids', description: 'Execution ids or id prefixes (default: every execution)', required: false, variadic: true }],
    options: [
      { flags: '--ffqn <prefix>', description: 'Only executions of functions starting with this' },
      { flags: '--include-pending', description: 'Also replay executions still in progress, up to their current point' },
      JSON_OUT,
    ],
    handler: () => import('./commands/verify.js'),
  },
  {
    noun: 'init', summary: 'Write a starter project: a TypeScript activity and workflow, their WIT, obelisk.toml',
    description: 'Writes obelisk.toml, src/activity.ts and src/workflow.ts (the fibo pair), their WIT (with the workflow\'s '
      + 'dependencies generated), TypeScript declarations under types/, a tsconfig.json and a README. The components are built '
      + 'from src/ the first time a command loads them. Never overwrites: a folder that already has any of these files is refused.',
    args: [{ name: 'dir', description: 'The folder to write into, created if missing (default: the current folder)', required: false }],
    options: [],
    examples: ['obelisk init my-flows && cd my-flows && obelisk execution submit --follow template-fibo:workflow/fibo-workflow-ifc.fiboa \'[10,2]\''],
    handler: () => import('./commands/init.js'),
  },
  {
    noun: 'index', verb: 'rebuild', summary: 'Rebuild the index of due executions from their logs',
    description: 'Recomputes state/due/ from the execution logs alone; safe while other obelisk processes run. '
      + 'Unreadable logs are reported and left out.',
    args: [], options: [JSON_OUT],
    handler: () => import('./commands/index-rebuild.js'),
  },
  {
    noun: 'config', verb: 'check', summary: 'Check obelisk.toml and the files it names; print the resolved settings',
    description: 'Reads the config, checks every key, that each component file exists and matches its content_digest, '
      + 'and prints the settings with defaults filled in. Exits 2 naming each problem. With --json, env var and secret values are hidden.',
    args: [], options: [JSON_OUT],
    examples: ['obelisk config check --config ./obelisk.toml'],
    handler: () => import('./commands/config-check.js'),
  },
];

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flags: '--config <path>', description: 'The config file', default: './obelisk.toml' },
  { flags: '-h, --help', description: 'Show help for the command' },
];
