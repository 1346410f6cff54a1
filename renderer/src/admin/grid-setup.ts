import { AG_GRID_LOCALE_SE } from '@ag-grid-community/locale';
import {
  InfiniteRowModelModule,
  LocaleModule,
  ModuleRegistry,
  RowApiModule,
  ScrollApiModule,
  themeQuartz,
  type LocaleText,
} from 'ag-grid-community';

let registered = false;

/** Registers the grid modules the user list uses, and only those (idempotent). */
export function registerGridModules(): void {
  if (registered) return;
  ModuleRegistry.registerModules([InfiniteRowModelModule, LocaleModule, RowApiModule, ScrollApiModule]);
  registered = true;
}

/** The grid's own texts (sorting, aria labels, "no rows") in the interface language. */
export function gridLocaleText(language: string): LocaleText | undefined {
  return language.startsWith('sv') ? (AG_GRID_LOCALE_SE as LocaleText) : undefined;
}

/**
 * The grid's theme in the app's colours; text and header colours keep at least 4.5:1 against
 * their backgrounds (WCAG 2.1 AA), and focus is the app's 3 px blue ring.
 */
export const gridTheme = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 15,
  foregroundColor: '#1b1b1b',
  backgroundColor: '#ffffff',
  headerBackgroundColor: '#f3f5f7',
  headerTextColor: '#1b1b1b',
  headerFontWeight: 600,
  accentColor: '#00536b',
  borderColor: '#8a949c',
  rowHoverColor: '#e8f0f3',
  oddRowBackgroundColor: '#fafbfc',
  cellHorizontalPadding: 12,
  focusShadow: { radius: 0, spread: 3, color: '#1a73c8' },
});
