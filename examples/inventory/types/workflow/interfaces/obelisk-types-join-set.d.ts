/// <reference path="./obelisk-types-execution.d.ts" />
/// <reference path="./obelisk-types-time.d.ts" />
declare module 'obelisk:types/join-set@4.2.0' {
  export type ScheduleAt = import('obelisk:types/time@4.2.0').ScheduleAt;
  export type DelayId = import('obelisk:types/execution@4.2.0').DelayId;
  export type ResponseId = import('obelisk:types/execution@4.2.0').ResponseId;
  export type JoinNextError = JoinNextErrorAllProcessed;
  export interface JoinNextErrorAllProcessed {
    tag: 'all-processed',
  }
  export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
  
  export class JoinSet implements Disposable {
    /**
     * This type does not have a public constructor.
     */
    private constructor();
    id(): string;
    submitDelay(timeout: ScheduleAt): DelayId;
    joinNext(): [ResponseId, Result<void, void>];
    [Symbol.dispose](): void;
  }
}
