/**
 * Puts text on the system clipboard through the platform's own tool (pbcopy, clip, wl-copy, xclip, xsel):
 * no dependency, and nothing on the command line (the text goes through stdin). A machine without a
 * clipboard (a server, CI, a container) is an answer, never a failure: the caller says so and carries on.
 */
import {spawn} from 'node:child_process'

export type ClipboardResult = {copied: true; tool: string} | {copied: false; reason: string}

interface ClipboardTool {
  command: string
  args: string[]
}

/** The tools worth trying here, best first. */
export function clipboardTools(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): ClipboardTool[] {
  if (platform === 'darwin') return [{command: 'pbcopy', args: []}]
  if (platform === 'win32') return [{command: 'clip', args: []}]
  const tools: ClipboardTool[] = []
  if (env.WAYLAND_DISPLAY) tools.push({command: 'wl-copy', args: []})
  if (env.DISPLAY) {
    tools.push(
      {command: 'xclip', args: ['-selection', 'clipboard']},
      {command: 'xsel', args: ['--clipboard', '--input']},
    )
  }
  return tools
}

const TOOL_TIMEOUT_MS = 5000

/** Runs one tool with `text` on stdin: true when it took it, false when it is missing or failed. */
function pipeTo(tool: ClipboardTool, text: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    // stdout and stderr are not ours to wait on: xclip and wl-copy leave a child serving the selection.
    const child = spawn(tool.command, tool.args, {stdio: ['pipe', 'ignore', 'ignore'], env, windowsHide: true})
    const timer = setTimeout(() => {
      child.kill()
      resolve(false)
    }, TOOL_TIMEOUT_MS)
    child.on('error', () => {
      clearTimeout(timer)
      resolve(false)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code === 0)
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(text)
  })
}

export async function copyToClipboard(
  text: string,
  options: {platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv} = {},
): Promise<ClipboardResult> {
  const env = options.env ?? process.env
  const tools = clipboardTools(options.platform ?? process.platform, env)
  if (tools.length === 0) return {copied: false, reason: 'this session has no clipboard (no display)'}
  for (const tool of tools) {
    if (await pipeTo(tool, text, env)) return {copied: true, tool: tool.command}
  }
  return {copied: false, reason: `no clipboard tool worked (tried ${tools.map((tool) => tool.command).join(', ')})`}
}
