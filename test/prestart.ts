// Loaded by .mocharc.js for whole-suite runs only: the real Kafka clusters start while the first test files run.
import { prestartSharedClusters } from './fixtures/real-kafka';

prestartSharedClusters();
