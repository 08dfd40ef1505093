// secondsLeft is the whole seconds from now until at, never negative.
export function secondsLeft(at, now) {
  return Math.max(0, Math.ceil((at - now) / 1000))
}
