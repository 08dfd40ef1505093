import { ref } from 'vue'

// Keeps the screen on while a QR is shown, where the browser allows it (Screen Wake Lock API);
// elsewhere it quietly does nothing.
export function useWakeLock() {
  const active = ref(false)
  let lock = null
  const onVisible = () => { if (document.visibilityState === 'visible' && active.value) request() }
  async function request() {
    try {
      if (!navigator.wakeLock) return
      lock = await navigator.wakeLock.request('screen')
      active.value = true
      document.addEventListener('visibilitychange', onVisible)
    } catch { active.value = false }
  }
  function release() {
    document.removeEventListener('visibilitychange', onVisible)
    active.value = false
    if (lock) lock.release().catch(() => {})
    lock = null
  }
  return { active, request, release }
}
