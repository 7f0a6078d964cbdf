import { defineS3Contract } from './s3-contract.ts';
import { moto } from './implementations.ts';

defineS3Contract(moto);
