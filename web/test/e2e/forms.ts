/** Filling the console's Element Plus forms as a person does: its selects, pickers and form items. */
import type { Locator, Page } from 'playwright-core';

/** Chooses an option of the select whose input has this id (in its own list: another select's may still be fading). */
export async function pickIn(tab: Page, scope: Locator, id: string, option: string | RegExp): Promise<void> {
  await scope.locator('.el-select', { has: tab.locator(`#${id}`) }).click();
  const list = await tab.locator(`#${id}`).getAttribute('aria-controls');
  await tab.locator(`[id="${list}"]`).getByRole('option', { name: option }).click();
}

/** A date (and time) typed into an Element Plus picker. */
export async function datetime(scope: Locator, label: string, value: string): Promise<void> {
  await scope.getByLabel(label, { exact: true }).fill(value);
  await scope.getByLabel(label, { exact: true }).press('Enter');
}

/** The form item holding the field of this label (where the service's problem with it shows). */
export const itemOf = (tab: Page, scope: Locator, label: string) =>
  scope.locator('.el-form-item', { has: tab.locator('.el-form-item__label', { hasText: label }) });
