/** The program's name, as people see it (a name, the same in every language) and as its data folder is called. */
export const PRODUCT_NAME = 'Behörighetsadmin';
