declare module 'obelisk:types/backtrace@4.2.0' {
  export interface FrameSymbol {
    funcName?: string,
    file?: string,
    line?: number,
    col?: number,
  }
  export interface FrameInfo {
    module: string,
    funcName: string,
    symbols: Array<FrameSymbol>,
  }
  export interface WasmBacktrace {
    frames: Array<FrameInfo>,
  }
}
