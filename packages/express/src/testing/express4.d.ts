// Express 4 is installed under the alias `express4` to test both majors; its API is typed like 5's.
declare module 'express4' {
  import express from 'express';
  export default express;
}
