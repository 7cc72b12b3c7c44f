export * from './values';
export * from './system';
export * from './names';
export * from './network';
export * from './quizmentor-service';
