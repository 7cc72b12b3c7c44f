/** A validation worker (worker_threads): validates the files it is sent, answers their results. */
import { parentPort, workerData } from 'node:worker_threads';
import { Validator, type ValidateOptions } from './validate.js';

const validator = new Validator(workerData as ValidateOptions);
parentPort!.on('message', (msg: { id: number; files: string[] }) => {
  parentPort!.postMessage({ id: msg.id, results: msg.files.map((f) => validator.validateFile(f)) });
});
