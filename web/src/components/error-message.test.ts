import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { ErrorMessage } from './error-message';

const ended = new ApiError({
  kind: 'problem',
  status: 401,
  problem: {
    title: 'Session ended',
    status: 401,
    code: 'portal.session_expired',
    requestId: 'req-1',
  },
});

/** The message as a page at `path` shows it (the component reads the page's location). */
function shownAt(path: string): string {
  Object.assign(globalThis, { window: { location: { pathname: path } } });
  return renderToStaticMarkup(createElement(ErrorMessage, { error: ended }));
}

describe('an ended session in the error message', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'window');
  });

  it('leads a citizen to sign in again and back to the same page', () => {
    const html = shownAt('/me/requests');
    expect(html).toContain('href="/v1/portal/sign-in?returnTo=%2Fme%2Frequests"');
    expect(html).toContain('portal.session_expired');
  });

  it('offers no citizen sign-in in the staff console, whose sessions end with the same code', () => {
    const html = shownAt('/soc/alerts');
    expect(html).not.toContain('/v1/portal/sign-in');
    expect(html).toContain('portal.session_expired');
  });
});
