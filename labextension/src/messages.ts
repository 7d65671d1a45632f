/**
 * Server messages are written for Python users ("see ws.items.list()"); the sidebar and
 * console user cannot run Python there, so the fix part is said in the UI's words.
 */
import { FaasApiError } from './api';

/** [pattern of a Python hint, what to say in the UI instead]; first match wins per hint. */
const HINTS: [RegExp, string][] = [
  [/(see|list them with) ws\.items\.list\(\)/, 'search for it in the Items tab of the FaaS console'],
  [/(see|list them with) ws\.executions\.list\(\)/, 'see the Executions tab of the FaaS console'],
  [/(see|list them with) ws\.services\.list\(\)/, 'see the Services section of the FaaS sidebar'],
  [/(see|list them with) ws\.(packages|datasets)\.list\(\)/, 'see the FaaS sidebar'],
  [/an owner can run proj\.members\.add\([^)]*role='(\w+)'\)/, 'ask a project owner to give you the role $1'],
  [/create it with ws\.datasets\.create\(('[^']*')\)/, 'create the dataset $1 in a notebook first'],
  [/or ex\.terminate\(\)/, 'or terminate it'],
  [/use ws\.items\.get\([^)]*\)/, 'pick the item from the list'],
  [/the worker was killed after (\S+ s) without reaching kill_event\(\)/, 'its worker was stopped after $1 (the function did not check for termination)']
];

/** Any leftover clause that tells the user to call Python (`...: ws.x(...)`). */
const PYTHON_CLAUSE = /[;:,]\s*(?:[a-z]+ ){0,4}(?:ws|proj|pkg|svc|ex|faas)\.[\w.]+\([^)]*\)/g;

/** A message fit for the UI: Python hints become UI words. */
export function uiText(message: string): string {
  let out = message;
  for (const [pattern, words] of HINTS) {
    out = out.replace(pattern, words);
  }
  return out.replace(PYTHON_CLAUSE, '').trim();
}

export function messageOf(err: unknown): string {
  if (err instanceof FaasApiError || err instanceof Error) {
    return err.message;
  }
  return String(err);
}

/** The message of an error, said in the UI's words. */
export function uiMessage(err: unknown): string {
  return uiText(messageOf(err));
}
