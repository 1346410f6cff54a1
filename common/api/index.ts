export * from './catalogue';
export * from './error-codes';
export * from './schemas';
export * from './validation';
export * from './user-list';
export * from './login-signed-data';
export * from './permission-end';
