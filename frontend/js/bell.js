// The notification bell in the top bar (#bell with the badge #bell-count). Nothing polls yet: a later feature
// calls `window.erp.bell.setCount(n)` (e.g. from a once-a-minute poll that pauses while the tab is hidden).
const MAX_SHOWN = 99

export const bell = {
  get element () {
    return document.getElementById('bell')
  },
  /** Show `count` unread notifications on the badge (0 hides it). */
  setCount (count) {
    const badge = document.getElementById('bell-count')
    if (!badge) return
    const n = Math.max(0, Number.parseInt(count, 10) || 0)
    badge.textContent = n > MAX_SHOWN ? `${MAX_SHOWN}+` : String(n)
    badge.classList.toggle('d-none', n === 0)
    const button = this.element
    if (button) button.classList.toggle('has-unread', n > 0)
  }
}
