import { describe, expect, it } from 'vitest';
import { frontendCalls } from './streams.js';

describe('frontendCalls', () => {
  it("when Temporal's metrics list calls, then only the frontend's in the namespace count, without the worker's polls and answers", () => {
    const metrics = [
      '# TYPE service_requests counter',
      'service_requests{namespace="default",operation="DescribeWorkflowExecution",service_name="frontend"} 40',
      'service_requests{namespace="default",operation="QueryWorkflow",service_name="frontend"} 2',
      'service_requests{namespace="default",operation="PollWorkflowTaskQueue",service_name="frontend"} 900',
      'service_requests{namespace="default",operation="RespondQueryTaskCompleted",service_name="frontend"} 2',
      'service_requests{namespace="default",operation="RecordActivityTaskHeartbeat",service_name="frontend"} 7',
      'service_requests{namespace="default",operation="DescribeWorkflowExecution",service_name="history"} 40',
      'service_requests{namespace="other",operation="DescribeWorkflowExecution",service_name="frontend"} 5',
      'service_requests_total_something{namespace="default"} 3',
    ].join('\n');
    expect(frontendCalls(metrics, 'default')).toBe(42);
  });
});
