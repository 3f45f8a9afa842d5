/** /profile and the profile tool: the profiling core's Markdown summary of a file. */
import { userMessage } from '../../core/errors';

export async function profileFileMarkdown(path: string, signal?: AbortSignal): Promise<string> {
  try {
    const { profileFile, profileToMarkdown } = await import('../../core/profiling');
    return profileToMarkdown(await profileFile(path, {}, { signal }));
  } catch (err) {
    if (signal?.aborted) throw err;
    return `Could not profile \`${path}\`: ${userMessage(err)}`;
  }
}
