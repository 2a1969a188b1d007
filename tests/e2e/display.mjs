// A virtual X display for the tests that need the browser's own windows: a real permission
// prompt can only be answered or dismissed by a key press in the browser's window, which
// headless Chromium never shows (it denies every prompt by itself). Xvfb picks a free display
// number (-displayfd); xdotool presses keys in the focused window, the prompt when one is open.
//
//   const display = await startDisplay();   // { name: ':99', close() }
//   await pressKeys(display, 'Escape');     // dismisses the open prompt

import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';

const START_LIMIT_MS = 10_000;

/** Starts Xvfb on a free display; resolves to { name, close() } once it accepts clients. */
export function startDisplay() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const close = () => {
    if (xvfb.exitCode === null) xvfb.kill();
  };
  return new Promise((resolve, reject) => {
    let number = '';
    let stderr = '';
    const fail = (why) => {
      close();
      reject(new Error(`Xvfb did not start (${why}): ${stderr.trim() || 'no output'}; ` +
        'the tests that answer real permission prompts need Xvfb and xdotool (Debian: xvfb, xdotool)'));
    };
    const timer = setTimeout(() => fail(`no display within ${START_LIMIT_MS} ms`), START_LIMIT_MS);
    xvfb.on('error', (error) => { clearTimeout(timer); fail(error.message); });
    xvfb.on('exit', (code) => { clearTimeout(timer); fail(`exit ${code}`); });
    xvfb.stderr.on('data', (chunk) => { stderr += chunk; });
    xvfb.stdio[3].on('data', (chunk) => {
      number += chunk;
      if (!number.includes('\n')) return;
      clearTimeout(timer);
      xvfb.removeAllListeners('exit');
      resolve({ name: `:${number.trim()}`, close, pid: xvfb.pid });
    });
  });
}

/** Presses `keys` (xdotool names: 'Escape', 'shift+Tab', 'Return') in the display's focused window. */
export async function pressKeys(display, ...keys) {
  await promisify(execFile)('xdotool', ['key', '--delay', '100', ...keys], { env: { ...process.env, DISPLAY: display.name } });
}
