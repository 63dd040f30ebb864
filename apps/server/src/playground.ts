/** The playground page: plain HTML and vanilla JS, no build step. */
export function playgroundHtml(settings: { apiPrefix: string; authEnabled: boolean }): string {
  return `<!doctype html><html><body><script>const API=${JSON.stringify(settings.apiPrefix)};const AUTH=${settings.authEnabled};</script></body></html>`;
}
