/** Account lockout after repeated failed logins: a sliding window of recent failures. */
export interface LockoutPolicy {
  /** Failures within the window that lock the account. */
  threshold: number;
  windowSeconds: number;
  lockSeconds: number;
}

export interface LockoutState {
  /** ISO times of recent failures, oldest first. */
  failures: string[];
  lockedUntil: string | null;
}

export function isLocked(state: LockoutState, now: Date): boolean {
  return state.lockedUntil !== null && Date.parse(state.lockedUntil) > now.getTime();
}

/** The state after one more failure at `now`; `locked` tells whether this failure locked it. */
export function registerFailure(state: LockoutState, now: Date, policy: LockoutPolicy): LockoutState & { locked: boolean } {
  const windowStart = now.getTime() - policy.windowSeconds * 1000;
  const failures = [...state.failures.filter((at) => Date.parse(at) > windowStart), now.toISOString()];
  if (failures.length >= policy.threshold) {
    // The failures that locked it are spent, so the account starts clean once the lock ends.
    return { failures: [], lockedUntil: new Date(now.getTime() + policy.lockSeconds * 1000).toISOString(), locked: true };
  }
  return { failures, lockedUntil: state.lockedUntil, locked: false };
}
