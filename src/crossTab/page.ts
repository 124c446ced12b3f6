/**
 * A page about to be frozen or put in the back/forward cache can serve no other tab: `suspend` hands over at once;
 * `resume` runs when it comes back. Returns the function that stops listening.
 */
export function watchPageLifecycle(suspend: () => void, resume: () => void): () => void {
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted)
      resume()
  }
  document.addEventListener('freeze', suspend)
  document.addEventListener('resume', resume)
  window.addEventListener('pagehide', suspend)
  window.addEventListener('pageshow', onPageShow)
  return () => {
    document.removeEventListener('freeze', suspend)
    document.removeEventListener('resume', resume)
    window.removeEventListener('pagehide', suspend)
    window.removeEventListener('pageshow', onPageShow)
  }
}
