import { defineS3Contract } from './s3-contract.ts';
import { motoAuth } from './implementations.ts';

defineS3Contract(motoAuth);
