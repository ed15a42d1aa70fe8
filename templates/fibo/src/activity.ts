// The activity: plain code that may fail and is retried (max_retries in obelisk.toml). It runs in a
// sandbox: no files, only the environment variables and HTTP hosts obelisk.toml allows.
import type * as FiboActivity from 'template-fibo:activity/fibo-activity-ifc';

export const fiboActivityIfc: typeof FiboActivity = {
  fibo(n) {
    if (n > 93) throw new RangeError(`fibo(${n}) does not fit in a u64`);
    let [a, b] = [0n, 1n];
    for (let i = 0; i < n; i++) [a, b] = [b, a + b];
    return a;
  },
};
