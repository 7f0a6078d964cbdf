import { defineS3Contract } from './s3-contract.ts';
import { rgw } from './implementations.ts';

defineS3Contract(rgw);
