import { defineS3Contract } from './s3-contract.ts';
import { store } from './implementations.ts';

defineS3Contract(store);
