// Arabic-Indic (٠-٩) and Persian (۰-۹) digits typed on Arabic keyboards become ASCII in fields that hold numbers,
// phones and codes. The replacement is one character for one, so the caret stays where it was.
const FIELDS = 'input[inputmode=numeric], input[inputmode=decimal], input[inputmode=tel], input[dir=ltr]'
const NON_ASCII = /[\u0660-\u0669\u06F0-\u06F9\u066B\u066C]/

export function toAsciiDigits (text) {
  return String(text).replace(/[\u0660-\u0669\u06F0-\u06F9\u066B\u066C]/g, (ch) => {
    const code = ch.charCodeAt(0)
    if (code === 0x066b) return '.' // Arabic decimal separator
    if (code === 0x066c) return ',' // Arabic thousands separator
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660)
  })
}

function normalise (input) {
  if (!NON_ASCII.test(input.value)) return
  let start = null
  let end = null
  try {
    start = input.selectionStart
    end = input.selectionEnd
  } catch {
    // some input types (email) have no selection API
  }
  input.value = toAsciiDigits(input.value)
  if (start !== null && document.activeElement === input) {
    try {
      input.setSelectionRange(start, end)
    } catch {}
  }
}

export function installDigitNormaliser () {
  document.addEventListener('input', (event) => {
    const input = event.target
    if (event.isComposing || !(input instanceof HTMLInputElement) || !input.matches(FIELDS)) return
    normalise(input)
  })
  document.addEventListener('compositionend', (event) => {
    const input = event.target
    if (input instanceof HTMLInputElement && input.matches(FIELDS)) normalise(input)
  })
}
