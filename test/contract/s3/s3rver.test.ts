import { defineS3Contract } from './s3-contract.ts';
import { s3rver } from './implementations.ts';

defineS3Contract(s3rver);
