/** The CLI shares the server's notion of the installation root. */
export { projectRoot } from '../server/paths';
