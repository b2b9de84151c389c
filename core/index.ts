/** Public surface of the domain core: everything the add-in, the server and the CLI may import. */
export * from './rubric';
export * from './districts';
export * from './schema';
export * from './issues';
export * from './score';
export * from './messages';
export * from './text';
