/**
 * Opens a URL in the desktop's browser, best effort: the URL is always printed too, so a machine without a
 * browser (or an opener that fails) loses nothing. No shell is involved: the URL is one argv entry.
 */
import {spawn} from 'node:child_process'

function opener(url: string): [string, string[]] {
  if (process.platform === 'darwin') return ['open', [url]]
  // rundll32 hands the URL to the default handler without cmd.exe parsing its & characters.
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]]
  return ['xdg-open', [url]]
}

/** Starts the platform's opener and returns at once; true when it could be started. */
export function openInBrowser(url: string): Promise<boolean> {
  const [command, args] = opener(url)
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, {stdio: 'ignore', detached: true})
      child.once('error', () => resolve(false))
      child.once('spawn', () => {
        child.unref()
        resolve(true)
      })
    } catch {
      resolve(false)
    }
  })
}
