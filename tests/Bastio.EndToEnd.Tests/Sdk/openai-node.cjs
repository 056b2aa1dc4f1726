// Drives the gateway with npm's official openai SDK exactly as an application would, default headers
// (Accept-Encoding: gzip, deflate) included. Prints one JSON result; an API error is a result too.
// Usage: node openai-node.cjs chat | transcribe <model>   (env: OPENAI_SDK, GATEWAY_URL, API_KEY)
const { OpenAI, toFile } = require(process.env.OPENAI_SDK);

const client = new OpenAI({ baseURL: process.env.GATEWAY_URL, apiKey: process.env.API_KEY, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Hello!' }];

async function chat() {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const parts = [];
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  for await (const chunk of stream) {
    parts.push(chunk.choices[0]?.delta?.content ?? '');
  }

  return { text: completion.choices[0].message.content, usage: completion.usage, streamed: parts.join('') };
}

async function transcribe(model) {
  // multipart/form-data with the file first, as the SDK builds it.
  const file = await toFile(Buffer.from('RIFF not really a wave file'), 'speech.wav', { type: 'audio/wav' });
  return await client.audio.transcriptions.create({ file, model });
}

const [command, argument] = process.argv.slice(2);
(command === 'chat' ? chat() : transcribe(argument))
  .then(result => process.stdout.write(JSON.stringify({ result })))
  .catch(error => {
    if (error instanceof OpenAI.APIError && error.status) {
      process.stdout.write(JSON.stringify({ error: { status: error.status, code: error.code } }));
    } else {
      process.stderr.write(String(error?.stack ?? error));
      process.exitCode = 1;
    }
  });
