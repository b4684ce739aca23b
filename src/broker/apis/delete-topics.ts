import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi } from './types';
import { notControllerError } from './controller';
import { topicNameProblem } from '../topic-names';

// DeleteTopics v0-3 (v4 is the first flexible version).
//   v0: topic_names[], timeout_ms -> responses[name, error_code]
//   v1: throttle_time_ms first in the response        v2, v3: same as v1
interface DeleteTopicsRequest {
  names: string[];
  timeoutMs: number;
}

interface DeleteTopicsResponse {
  topics: { name: string; errorCode: number }[];
}

export const deleteTopicsApi = defineApi<DeleteTopicsRequest, DeleteTopicsResponse>({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 3,
  decodeRequest(reader) {
    const names = reader.array((r) => r.string(), 2);
    const timeoutMs = reader.int32();
    return { names, timeoutMs };
  },
  handle(request, context) {
    const notController = notControllerError(context);
    return {
      // Kafka keys its results by topic name, so a name listed twice gets one answer.
      topics: [...new Set(request.names)].map((name) => {
        if (notController !== null) return { name, errorCode: notController };
        if (topicNameProblem(name)) return { name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION };
        const errorCode = context.cluster.deleteTopic(name);
        // As Kafka: with timeout_ms <= 0 it does not wait for the deletion to complete and answers REQUEST_TIMED_OUT.
        return {
          name,
          errorCode: errorCode === ErrorCode.NONE && request.timeoutMs <= 0 ? ErrorCode.REQUEST_TIMED_OUT : errorCode,
        };
      }),
    };
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name).int16(topic.errorCode);
    });
  },
});
