declare module 'obelisk:types/time@4.2.0' {
  export type Duration = DurationMilliseconds | DurationSeconds | DurationMinutes | DurationHours | DurationDays;
  export interface DurationMilliseconds {
    tag: 'milliseconds',
    val: bigint,
  }
  export interface DurationSeconds {
    tag: 'seconds',
    val: bigint,
  }
  export interface DurationMinutes {
    tag: 'minutes',
    val: number,
  }
  export interface DurationHours {
    tag: 'hours',
    val: number,
  }
  export interface DurationDays {
    tag: 'days',
    val: number,
  }
  export interface Datetime {
    seconds: bigint,
    nanoseconds: number,
  }
  export type ScheduleAt = ScheduleAtNow | ScheduleAtAt | ScheduleAtIn;
  export interface ScheduleAtNow {
    tag: 'now',
  }
  export interface ScheduleAtAt {
    tag: 'at',
    val: Datetime,
  }
  export interface ScheduleAtIn {
    tag: 'in',
    val: Duration,
  }
}
