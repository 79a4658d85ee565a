/**
 * Signing in to the monitoring centre's console on its own form, as the SOC browser suites do:
 * open a console page signed out, present a staff token, wait for the console's navigation.
 */
import type { Page } from 'playwright-core';

/** Opens `url` (a console page), signs in with `token` and waits until the console shows. */
export async function signInToConsole(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.locator('[data-state="signed-out"]').waitFor();
  await page.getByLabel('Staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Monitoring centre' }).waitFor();
}
