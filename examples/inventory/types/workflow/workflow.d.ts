/// <reference path="./interfaces/example-inventory-workflow-valuation.d.ts" />
/// <reference path="./interfaces/obelisk-log-log.d.ts" />
/// <reference path="./interfaces/obelisk-types-backtrace.d.ts" />
/// <reference path="./interfaces/obelisk-types-execution.d.ts" />
/// <reference path="./interfaces/obelisk-types-join-set.d.ts" />
/// <reference path="./interfaces/obelisk-types-time.d.ts" />
/// <reference path="./interfaces/obelisk-workflow-workflow-support.d.ts" />
declare module 'example-inventory:workflow/valuation-workflow' {
  export type * as ObeliskLogLog100 from 'obelisk:log/log@1.0.0'; // import obelisk:log/log@1.0.0
  export type * as ObeliskTypesBacktrace420 from 'obelisk:types/backtrace@4.2.0'; // import obelisk:types/backtrace@4.2.0
  export type * as ObeliskTypesExecution420 from 'obelisk:types/execution@4.2.0'; // import obelisk:types/execution@4.2.0
  export type * as ObeliskTypesJoinSet420 from 'obelisk:types/join-set@4.2.0'; // import obelisk:types/join-set@4.2.0
  export type * as ObeliskTypesTime420 from 'obelisk:types/time@4.2.0'; // import obelisk:types/time@4.2.0
  export type * as ObeliskWorkflowWorkflowSupport510 from 'obelisk:workflow/workflow-support@5.1.0'; // import obelisk:workflow/workflow-support@5.1.0
  export * as valuation from 'example-inventory:workflow/valuation'; // export example-inventory:workflow/valuation
}
