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
    description: 'Creates a top-level execution of <ffqn> with <params>, a JSON array of the positional parameters.',
    args: [
      { name: 'ffqn', description: 'The function: namespace:package/interface.function, for example template-fibo:workflow/fibo-workflow-ifc.fiboa' },
      { name: 'params', description: 'Its parameters as a JSON array, for example [10,2]' },
    ],
    options: [FOLLOW, JSON_OUT],
    examples: ["obelisk execution submit --follow template-fibo:workflow/fibo-workflow-ifc.fiboa '[10,2]'"],
  },
  {
    noun: 'execution', verb: 'get', summary: "Show an execution's state and result",
    args: [EXECUTION_ID], options: [FOLLOW, JSON_OUT],
  },
  { noun: 'execution', verb: 'list', summary: 'List executions, newest first', args: [], options: [JSON_OUT] },
  { noun: 'execution', verb: 'events', summary: "Print an execution's event log", args: [EXECUTION_ID], options: [JSON_OUT] },
  { noun: 'execution', verb: 'logs', summary: "Print an execution's log messages and forwarded output", args: [EXECUTION_ID], options: [JSON_OUT] },
  { noun: 'execution', verb: 'cancel', summary: 'Cancel an execution that has not finished', args: [EXECUTION_ID], options: [] },
  {
    noun: 'execution', verb: 'stub', summary: 'Give the result of a stub activity execution',
    args: [EXECUTION_ID, { name: 'result', description: 'The return value as JSON, for example {"ok": 42}' }], options: [],
  },
  {
    noun: 'execution', verb: 'replay', summary: 'Replay a workflow execution from its log and report any divergence',
    args: [EXECUTION_ID], options: [JSON_OUT],
  },
  {
    noun: 'component', verb: 'list', summary: 'List components, their kinds and exported functions with WIT signatures',
    args: [], options: [JSON_OUT],
  },
  {
    noun: 'generate', verb: 'wit-extensions', summary: 'Write the -obelisk-ext, -obelisk-schedule and -obelisk-stub WIT packages for a component',
    args: [
      { name: 'component', description: 'A component name from obelisk.toml' },
      { name: 'output-dir', description: 'Folder to write the WIT packages into' },
    ],
    options: [],
  },
  { noun: 'server', verb: 'run', summary: 'Run the executors continuously until interrupted', args: [], options: [] },
  {
    noun: 'tick', summary: 'Run due work once, for at most tick.max_duration, then exit (for cron)',
    args: [], options: [JSON_OUT],
  },
  { noun: 'verify', summary: 'Replay stored executions and check they still match their logs', args: [], options: [JSON_OUT] },
  { noun: 'init', summary: 'Write a starter obelisk.toml in the current folder', args: [], options: [] },
  { noun: 'index', summary: 'Rebuild the index of executions from their folders', args: [], options: [] },
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
