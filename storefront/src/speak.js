// Reading aloud (Web Speech API) for villagers who see poorly or read little: the balance, a
// voucher's goods and code, the last lines of the history, in the page's language.
export function canSpeak() {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function'
}

export function speak(text, locale) {
  if (!canSpeak()) return
  window.speechSynthesis.cancel() // a second tap starts again rather than queueing
  const u = new window.SpeechSynthesisUtterance(text)
  u.lang = locale === 'en' ? 'en-GB' : 'zh-CN'
  u.rate = 0.85 // a little slower than the default, for old ears
  window.speechSynthesis.speak(u)
}

// digits spells a code digit by digit ("1 2 3 4"), as a shopkeeper types it.
export const digits = (code) => String(code || '').split('').join(' ')
